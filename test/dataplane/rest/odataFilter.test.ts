// Unit tests of the OData filter compiler: the documented examples, precedence, functions,
// null handling, and errors that point at the position of the problem.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { odata } from "@azure/web-pubsub";
import type { ConnectionView } from "../../../src/dataplane/domain/hubOperations.js";
import { compileFilter, FilterSyntaxError } from "../../../src/dataplane/rest/odataFilter.js";

const connections: ConnectionView[] = [
  { connectionId: "c1", userId: "user1", groups: new Set(["g1", "g2"]), protocol: "json.webpubsub.azure.v1" },
  { connectionId: "c2", userId: "user2", groups: new Set(["g2"]), protocol: null },
  { connectionId: "c3", userId: null, groups: new Set(), protocol: null },
  { connectionId: "C4", userId: "vic's milk", groups: new Set(["g3"]), protocol: null },
];

function matching(filter: string): string[] {
  const predicate = compileFilter(filter);
  return connections.filter(predicate).map((c) => c.connectionId);
}

function failsAt(filter: string, position: number, fragment: string): void {
  assert.throws(
    () => compileFilter(filter),
    (error: unknown) => {
      assert.ok(error instanceof FilterSyntaxError, `expected FilterSyntaxError, got ${String(error)}`);
      assert.equal(error.position, position, error.message);
      assert.match(error.message, new RegExp(fragment));
      assert.match(error.message, new RegExp(`position ${position}`));
      return true;
    },
  );
}

describe("OData filter", () => {
  it("compares string fields, with identifier names case-insensitive", () => {
    assert.deepEqual(matching("userId eq 'user1'"), ["c1"]);
    assert.deepEqual(matching("UserId ne 'user1'"), ["c2", "c3", "C4"]);
    assert.deepEqual(matching("connectionid eq 'c2'"), ["c2"]);
    assert.deepEqual(matching("userId eq null"), ["c3"]);
    assert.deepEqual(matching("userId ne null"), ["c1", "c2", "C4"]);
  });

  it("supports in with lists and with the groups collection", () => {
    assert.deepEqual(matching("'g2' in groups"), ["c1", "c2"]);
    assert.deepEqual(matching("userId in ('user1', 'user2')"), ["c1", "c2"]);
    assert.deepEqual(matching("not ('g2' in groups)"), ["c3", "C4"]);
  });

  it("applies precedence not > comparison > and > or, and parentheses", () => {
    assert.deepEqual(matching("userId eq 'user1' or userId eq 'user2' and 'g1' in groups"), ["c1"]);
    assert.deepEqual(matching("(userId eq 'user1' or userId eq 'user2') and 'g2' in groups"), ["c1", "c2"]);
    assert.deepEqual(matching("not userId eq 'user1' and userId ne null"), ["c2", "C4"]);
    assert.deepEqual(matching("true"), ["c1", "c2", "c3", "C4"]);
    assert.deepEqual(matching("false or userId eq 'user2'"), ["c2"]);
  });

  it("evaluates the documented functions", () => {
    assert.deepEqual(matching("length(userId) gt 5"), ["C4"]);
    assert.deepEqual(matching("length(groups) ge 2"), ["c1"]);
    assert.deepEqual(matching("endswith(userId, 'milk')"), ["C4"]);
    assert.deepEqual(matching("startswith(userId, 'user')"), ["c1", "c2"]);
    assert.deepEqual(matching("tolower(connectionId) eq 'c4'"), ["C4"]);
    assert.deepEqual(matching("toupper(userId) eq 'USER2'"), ["c2"]);
    assert.deepEqual(matching("substring(userId, 4) eq '1'"), ["c1"]);
    assert.deepEqual(matching("substring(userId, 0, 3) eq 'vic'"), ["C4"]);
    assert.deepEqual(matching("indexof(userId, 'milk') eq 6"), ["C4"]);
    assert.deepEqual(matching("contains(userId, 'er')"), ["c1", "c2"]);
    assert.deepEqual(matching("concat(userId, '!') eq 'user1!'"), ["c1"]);
    assert.deepEqual(matching("trim(' a ') eq 'a' and userId eq 'user2'"), ["c2"]);
  });

  it("reads what the SDK's odata template tag writes (doubled quotes)", () => {
    const userId = "vic's milk";
    assert.deepEqual(matching(odata`userId eq ${userId}`), ["C4"]);
    assert.deepEqual(matching(odata`userId eq ${null} or connectionId eq ${"c1"}`), ["c1", "c3"]);
  });

  it("reports errors at the position of the problem", () => {
    failsAt("userId eq", 9, "end of the filter");
    failsAt("userId eq 'x' and", 17, "end of the filter");
    failsAt("userId eq 'unterminated", 10, "unterminated string");
    failsAt("userid eq 'a' xor true", 14, "unexpected 'xor'");
    failsAt("nickname eq 'a'", 0, "unknown field 'nickname'");
    failsAt("userId eq 1", 7, "cannot compare a string with a number");
    failsAt("userId", 0, "must be a Boolean expression");
    failsAt("groups eq 'g1'", 0, "use 'in' for collections");
    failsAt("userId in 'a'", 10, "right side of 'in'");
    failsAt("(userId eq 'a'", 14, "expected '\\)' to close");
    failsAt("foo(userId)", 0, "unknown function 'foo'");
    failsAt("length(userId, 'x') eq 1", 0, "takes 1 argument");
    failsAt("userId eq 'a' # 1", 14, "unexpected character");
    failsAt("userId EQ 'a'", 7, "unexpected 'EQ'");
  });

  it("refuses empty and overlong filters and deep nesting", () => {
    assert.throws(() => compileFilter("   "), FilterSyntaxError);
    assert.throws(() => compileFilter("userId eq '" + "x".repeat(20000) + "'"), /longer than/);
    assert.throws(() => compileFilter("(".repeat(100) + "true" + ")".repeat(100)), /nested more than/);
    assert.throws(() => compileFilter("not ".repeat(100) + "true"), /nested more than/);
  });
});

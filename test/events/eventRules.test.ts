// The pure rules of event dispatch: handler matching, URL templates, allowed origins, cookies,
// settings validation.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { originAllowed, parseAllowedOrigins } from "../../src/events/allowedOrigins.js";
import { CookieJar } from "../../src/events/cookieJar.js";
import { selectHandler, userEventPatternMatches } from "../../src/events/handlerMatching.js";
import { resolveUpstreamSettings, defaultUpstreamSettings } from "../../src/events/upstreamSettings.js";
import {
  checkUrlTemplate,
  expandUrlTemplate,
  redactedUrl,
  UrlTemplateError,
} from "../../src/events/urlTemplate.js";

describe("handler matching", () => {
  it("reads *, comma lists and single names", () => {
    assert.equal(userEventPatternMatches("*", "anything"), true);
    assert.equal(userEventPatternMatches("a, b ,c", "b"), true);
    assert.equal(userEventPatternMatches("a,b", "ab"), false);
    assert.equal(userEventPatternMatches("message", "message"), true);
    assert.equal(userEventPatternMatches("", "message"), false);
    assert.equal(userEventPatternMatches(undefined, "message"), false);
  });

  it("takes the first handler that subscribes", () => {
    const settings = {
      anonymousConnectPolicy: "deny" as const,
      webSocketKeepAliveIntervalInSeconds: 20,
      eventHandlers: [
        { urlTemplate: "http://one/{event}", userEventPattern: "chat" },
        { urlTemplate: "http://two/{event}", userEventPattern: "*", systemEvents: ["connected" as const] },
        { urlTemplate: "http://three/{event}", userEventPattern: "*", systemEvents: ["connect" as const] },
      ],
    };
    assert.equal(selectHandler(settings, { user: "chat" })?.urlTemplate, "http://one/{event}");
    assert.equal(selectHandler(settings, { user: "other" })?.urlTemplate, "http://two/{event}");
    assert.equal(selectHandler(settings, { system: "connect" })?.urlTemplate, "http://three/{event}");
    assert.equal(selectHandler(settings, { system: "disconnected" }), undefined);
  });
});

describe("URL templates", () => {
  it("expands {hub} and {event}, encoded", () => {
    assert.equal(
      expandUrlTemplate("https://h.example/api/{hub}/{event}?x=1", "chat", "connect").href,
      "https://h.example/api/chat/connect?x=1",
    );
    assert.equal(expandUrlTemplate("http://h/{event}", "c", "a b").pathname, "/a%20b");
  });

  it("refuses {category}, unknown placeholders, Key Vault references, tunnels, placeholders in the host", () => {
    const refused: [string, RegExp][] = [
      ["http://h/{category}/{event}", /Azure SignalR upstream placeholder/],
      ["http://h/{hub}/{foo}", /unknown placeholder \{foo\}/],
      ["http://h/{@Microsoft.KeyVault(SecretUri=https://v/s)}", /Key Vault references are not supported/],
      ["tunnel:///api/{event}", /tunnel:\/\/ URLs/],
      ["http://{hub}.example.com/{event}", /not allowed in the host name/],
      ["ftp://h/{event}", /must use http or https/],
      ["/relative/{event}", /not an absolute URL/],
    ];
    for (const [template, message] of refused) {
      assert.throws(
        () => checkUrlTemplate(template),
        (e: unknown) => e instanceof UrlTemplateError && message.test(e.message),
        template,
      );
    }
    assert.doesNotThrow(() => checkUrlTemplate("http://127.0.0.1:7071/api/{hub}/{event}?code=abc"));
  });

  it("masks secrets in traced URLs", () => {
    assert.equal(redactedUrl(new URL("https://f/api/x?code=s3cret&a=1")), "https://f/api/x?code=***&a=1");
  });
});

describe("WebHook-Allowed-Origin", () => {
  it("parses *, lists, repeated lines and URLs", () => {
    assert.deepEqual(parseAllowedOrigins(["a.example:8080, B.example", "https://c.example/"]), [
      "a.example:8080",
      "b.example",
      "c.example",
    ]);
    assert.deepEqual(parseAllowedOrigins(undefined), []);
  });

  it("matches host and host:port both ways, never another port or host", () => {
    assert.equal(originAllowed(["*"], "x:1"), true);
    assert.equal(originAllowed(["svc.local:8080"], "SVC.local:8080"), true);
    assert.equal(originAllowed(["svc.local"], "svc.local:8080"), true);
    assert.equal(originAllowed(["svc.local:8080"], "svc.local"), true);
    assert.equal(originAllowed(["svc.local:9090"], "svc.local:8080"), false);
    assert.equal(originAllowed(["other.local"], "svc.local"), false);
    assert.equal(originAllowed(["[::1]:8080"], "[::1]:8080"), true);
  });
});

describe("cookie jar", () => {
  it("keeps names and values, drops expired ones", () => {
    const jar = new CookieJar();
    assert.equal(jar.header(), undefined);
    jar.store(["a=1; Path=/", "b=2; HttpOnly", "bad"]);
    assert.equal(jar.header(), "a=1; b=2");
    jar.store(["a=; Max-Age=0", "b=3"]);
    assert.equal(jar.header(), "b=3");
  });
});

describe("upstream settings", () => {
  it("overlays defaults and refuses nonsense", () => {
    assert.equal(resolveUpstreamSettings().attemptTimeoutMs, defaultUpstreamSettings.attemptTimeoutMs);
    assert.deepEqual(resolveUpstreamSettings({ retryDelaysMs: [] }).retryDelaysMs, []);
    assert.throws(
      () => resolveUpstreamSettings({ attemptTimeoutMs: 0 }),
      /attemptTimeoutMs must be a positive number/,
    );
    assert.throws(() => resolveUpstreamSettings({ retryDelaysMs: [-1] }), /retryDelaysMs/);
  });
});

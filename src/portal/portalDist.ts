// Where the built portal lives: `dist/portal` under the package root, whether wpslink runs from
// its sources (tsx) or from the compiled `dist/src` tree.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function defaultPortalDistDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "dist", "portal");
    dir = dirname(dir);
  }
  throw new Error("cannot find the wpslink package root to locate dist/portal");
}

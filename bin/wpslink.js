#!/usr/bin/env node
// Launcher: runs the compiled CLI when the build is up to date, otherwise the TypeScript sources
// through tsx (so a checkout that changed after its last build never runs stale code).
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "src", "cli", "main.js");

/** The newest modification time of the TypeScript files `tsc` compiles under `dir` (ms). */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const folder = entry.parentPath ?? entry.path;
    if (!entry.isFile() || !entry.name.endsWith(".ts") || folder.includes(join("portal", "ui"))) continue;
    const mtime = statSync(join(folder, entry.name)).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

const upToDate =
  existsSync(compiled) &&
  !process.env.WPSLINK_FROM_SOURCE &&
  statSync(join(root, "dist", ".tsbuildinfo"), { throwIfNoEntry: false })?.mtimeMs >=
    newestMtime(join(root, "src"));
if (upToDate) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, "src", "cli", "main.ts")).href);
}

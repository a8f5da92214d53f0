// Builds the portal: type-checks the UI (its own tsconfig, with the DOM library), bundles
// src/portal/ui/main.tsx with esbuild (Preact, JSX, CSS) and writes dist/portal/{index.html,
// assets/app.js, assets/app.css}. Usage: node --import tsx scripts/build-portal.ts [--no-check]
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const uiDir = join(root, "src", "portal", "ui");

export interface PortalBuildResult {
  readonly outDir: string;
  /** Output file sizes in bytes, by path relative to outDir. */
  readonly sizes: Readonly<Record<string, number>>;
}

export async function buildPortal(
  options: { outDir?: string; typecheck?: boolean } = {},
): Promise<PortalBuildResult> {
  const outDir = options.outDir ?? join(root, "dist", "portal");
  if (options.typecheck ?? true) {
    try {
      execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", uiDir], {
        cwd: root,
        stdio: "inherit",
      });
    } catch {
      throw new Error("the portal UI does not type-check (errors above)");
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, "assets"), { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: join(uiDir, "main.tsx") },
    outdir: join(outDir, "assets"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022", "chrome110", "firefox115", "safari16"],
    jsx: "automatic",
    jsxImportSource: "preact",
    minify: true,
    sourcemap: true,
    metafile: true,
    legalComments: "linked",
    logLevel: "warning",
    loader: { ".svg": "dataurl" },
  });
  copyFileSync(join(uiDir, "index.html"), join(outDir, "index.html"));
  copyFileSync(join(uiDir, "favicon.svg"), join(outDir, "favicon.svg"));
  const sizes: Record<string, number> = {};
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    sizes[file.slice(file.indexOf("assets/"))] = info.bytes;
  }
  return { outDir, sizes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await buildPortal({ typecheck: !process.argv.includes("--no-check") }).catch(
    (error: unknown) => {
      console.error(`build-portal: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
  const listing = Object.entries(result.sizes)
    .filter(([file]) => !file.endsWith(".map"))
    .map(([file, bytes]) => `${file} ${(bytes / 1024).toFixed(1)} KiB`)
    .join(", ");
  console.log(`portal built in ${result.outDir}: ${listing}`);
}

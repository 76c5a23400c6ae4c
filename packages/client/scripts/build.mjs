// Builds dist/ with @paddler/protocol compiled inside it (dist/protocol/), so the published
// package depends on zod alone: @paddler/protocol is a private workspace package.
//
// 1. Stage client src and protocol src in .build/src and .build/src/protocol,
//    rewriting `"@paddler/protocol"` imports to relative paths.
// 2. Compile the stage with tsc (no Node types: the library must run in browsers).
// 3. Remove the stage.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
// The workspace link (devDependency); its exports map does not expose package.json.
const protocolRoot = realpathSync(join(root, "node_modules", "@paddler", "protocol"));
const stage = join(root, ".build");
const stageSrc = join(stage, "src");
const isSource = (path) => path.endsWith(".ts") && !path.endsWith(".test.ts");

function* walk(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

rmSync(stage, { recursive: true, force: true });
rmSync(join(root, "dist"), { recursive: true, force: true });
try {
  cpSync(join(root, "src"), stageSrc, {
    recursive: true,
    filter: (path) => !path.includes(`${sep}testing`) && (statSync(path).isDirectory() || isSource(path)),
  });
  cpSync(join(protocolRoot, "src"), join(stageSrc, "protocol"), {
    recursive: true,
    filter: (path) => statSync(path).isDirectory() || isSource(path),
  });
  for (const file of walk(stageSrc)) {
    if (file.startsWith(join(stageSrc, "protocol"))) continue;
    const source = readFileSync(file, "utf8");
    let target = relative(dirname(file), join(stageSrc, "protocol", "index.js"))
      .split(sep)
      .join("/");
    if (!target.startsWith(".")) target = `./${target}`;
    writeFileSync(file, source.replaceAll('"@paddler/protocol"', `"${target}"`));
  }
  writeFileSync(
    join(stage, "tsconfig.json"),
    JSON.stringify({
      extends: "../../../tsconfig.base.json",
      compilerOptions: {
        rootDir: "src",
        outDir: "../dist",
        types: [],
        sourceMap: false,
        declarationMap: false,
      },
      include: ["src/**/*.ts"],
    }),
  );
  mkdirSync(join(root, "dist"), { recursive: true });
  const tsc = require.resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", join(stage, "tsconfig.json")], { stdio: "inherit" });
  if (result.status !== 0) process.exitCode = result.status ?? 1;
} finally {
  rmSync(stage, { recursive: true, force: true });
}

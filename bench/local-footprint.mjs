// Install footprint of the local model support: what a plain `npm i skillgrad` brings (packed size,
// production packages) and what node-llama-cpp, the optional peer dependency loaded only for
// `local:` models, adds on this platform (its own package, prebuilt binaries and dependencies).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
const packages = lock.packages;

/** Where `name` resolves from a package at `from` (node_modules lookup, nearest first). */
function resolveFrom(from, name) {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut < 0 ? "" : base.slice(0, cut);
  }
}

/** Every installed package reachable from the given ones (dependencies and optional dependencies). */
function closure(starts) {
  const seen = new Set();
  const queue = [...starts];
  while (queue.length > 0) {
    const path = queue.pop();
    if (!path || seen.has(path) || !existsSync(join(root, path))) continue;
    seen.add(path);
    const entry = packages[path];
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const found = resolveFrom(path, name);
      if (found) queue.push(found);
    }
  }
  return seen;
}

function bytesUnder(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of readdirSync(path)) {
    const child = join(path, entry);
    // a nested node_modules belongs to other packages, counted on their own
    if (entry === "node_modules") continue;
    total += bytesUnder(child);
  }
  return total;
}

const mb = (bytes) => Math.round(bytes / 1e5) / 10;
const rootEntry = packages[""];
const prod = closure(Object.keys(rootEntry.dependencies ?? {}).map((name) => resolveFrom("", name)));
const llama = closure([resolveFrom("", "node-llama-cpp")]);
const llamaOnly = [...llama].filter((path) => !prod.has(path));
const binaries = llamaOnly.filter((path) => path.includes("@node-llama-cpp/"));
const pack = JSON.parse(
  execFileSync("npm", ["pack", "--dry-run", "--json"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }),
)[0];

console.log(
  JSON.stringify({
    skillgradPackedMb: mb(pack.size),
    skillgradUnpackedMb: mb(pack.unpackedSize),
    skillgradFiles: pack.entryCount,
    productionPackages: prod.size,
    productionInstalledMb: mb([...prod].reduce((sum, path) => sum + bytesUnder(join(root, path)), 0)),
    nodeLlamaCppInProduction: [...prod].some((path) => path.endsWith("node_modules/node-llama-cpp")),
    nodeLlamaCppPackages: llamaOnly.length,
    nodeLlamaCppInstalledMb: mb(llamaOnly.reduce((sum, path) => sum + bytesUnder(join(root, path)), 0)),
    nodeLlamaCppBinaries: binaries.map((path) => ({
      package: path.replace(/^.*node_modules\//, ""),
      mb: mb(bytesUnder(join(root, path))),
    })),
  }),
);

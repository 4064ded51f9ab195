#!/usr/bin/env node
/*
 * Checks that the workspace installs one version of each @backstage/* package, that every direct
 * @backstage/* dependency is the version the Backstage release in backstage.json installs, and prints
 * the release. (`backstage-cli versions:check` needs the release manifest server, which this machine
 * cannot reach.)
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
const release = JSON.parse(
  fs.readFileSync(path.join(root, 'backstage.json'), 'utf8'),
).version;
const lock = fs.readFileSync(path.join(root, 'yarn.lock'), 'utf8');

const versions = new Map();
for (const block of lock.split('\n\n')) {
  const name = block.match(/^"(@backstage\/[^@"]+)@/m)?.[1];
  const version = block.match(/^\s+version: (\S+)/m)?.[1];
  if (name && version) {
    versions.set(name, new Set([...(versions.get(name) ?? []), version]));
  }
}

const duplicates = [...versions].filter(([, v]) => v.size > 1);
const problems = duplicates.map(
  ([name, v]) =>
    `${name} is installed in ${v.size} versions: ${[...v].join(', ')}`,
);

const workspaces = ['packages', 'plugins'].flatMap(dir =>
  fs
    .readdirSync(path.join(root, dir))
    .map(p => path.join(root, dir, p, 'package.json')),
);
for (const file of [path.join(root, 'package.json'), ...workspaces]) {
  if (!fs.existsSync(file)) continue;
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const deps of [pkg.dependencies, pkg.devDependencies]) {
    for (const [name, range] of Object.entries(deps ?? {})) {
      if (!name.startsWith('@backstage/')) continue;
      const installed = [...(versions.get(name) ?? [])];
      if (
        installed.length === 1 &&
        range !== `^${installed[0]}` &&
        range !== installed[0]
      ) {
        problems.push(
          `${path.relative(
            root,
            file,
          )}: ${name} "${range}" does not name the installed ${installed[0]}`,
        );
      }
    }
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(
  `Backstage ${release}: ${versions.size} @backstage/* packages, one version each, every direct dependency at its installed version.`,
);

// `npm test` runs this first: pack heaplens and install it, with each supported
// runner version, into .cache/envs/<name>. Pass env names to prepare only those.
import { cleanProjects, ENVS, packHeaplens, prepareEnv } from './envs.mjs';

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(ENVS);
const tarball = packHeaplens();
for (const name of names) {
  const started = Date.now();
  const dir = prepareEnv(name, tarball);
  cleanProjects(name);
  console.log(`heaplens env ${name}: ${dir} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}

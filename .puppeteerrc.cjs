// memlab (a devDependency, the peer in `npm run bench:snapshots`) pulls in
// puppeteer, whose install script would download Chrome. heaplens never runs
// a browser through it, and this workplace reaches only the npm registry.
module.exports = { skipDownload: true };

#!/usr/bin/env node
// The CLI is the committed ncc bundle, so neither an installed package nor a checkout needs a build
// step; `npx --no-install evalgate` runs this file from node_modules/.bin (docs/cli.md, "Install the CLI").
import '../dist/cli/index.js';

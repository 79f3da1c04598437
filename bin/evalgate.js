#!/usr/bin/env node
// The CLI is the committed ncc bundle, so `npx evalgate` needs no build step.
import '../dist/cli/index.js';

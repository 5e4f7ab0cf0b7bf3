#!/usr/bin/env node
// The `cryptocrawler` command. Sources are TypeScript run through tsx, so there is no build step
// between a fresh `npm ci` and a working command.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

#!/usr/bin/env node
// The `omnia` bin: the CLI is TypeScript, run through tsx as every script in this repository is.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");

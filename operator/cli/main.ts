// The `omnia` command line: one subcommand per verb. Only `render` so far.
import { type CommandIO, runRender } from "./render.js";

const USAGE = `usage: omnia <command> [args]

commands:
  render -f <dir|file>   print the objects the operator would create for the manifests, as YAML`;

export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "render":
      return runRender(rest, io);
    case undefined:
    case "help":
    case "-h":
    case "--help":
      io.stdout(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      io.stderr(`omnia: unknown command ${command}\n${USAGE}\n`);
      return 2;
  }
}

const io: CommandIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

process.exitCode = await main(process.argv.slice(2), io);

/** The `lakehouse` command line: the local stack, the pipeline's jobs and queries. */
import { Command } from "commander";
import { consoleLogger } from "../lib/log";
import { registerLocalCommands } from "./local";
import { registerQueryCommand } from "./query";

const program = new Command()
  .name("lakehouse")
  .description("Lakehouse-as-code: run the bronze -> silver -> gold pipeline on a local stack or a Kubernetes cluster")
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: false });

const log = consoleLogger();
registerLocalCommands(program, log);
registerQueryCommand(program, log);

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`lakehouse: error: ${message}\n`);
  process.exitCode = 1;
});



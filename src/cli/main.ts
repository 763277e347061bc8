/** The `lakehouse` command line: the local stack, the pipeline's jobs and queries. */
import { Command } from "commander";
import { consoleLogger } from "../lib/log";
import { registerClusterCommands } from "./cluster";
import { registerDashboardCommands } from "./dashboards";
import { registerDemoCommand } from "./demo";
import { registerDeployCommands } from "./deploy";
import { registerLocalCommands } from "./local";
import { registerQueryCommand } from "./query";
import { registerRunCommands } from "./run";
import { registerValidateCommand } from "./validate";

const program = new Command()
  .name("lakehouse")
  .description("Lakehouse-as-code: run the bronze -> silver -> gold pipeline on a local stack or a Kubernetes cluster")
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: false });

const log = consoleLogger();
registerLocalCommands(program, log);
registerRunCommands(program, log);
registerValidateCommand(program, log);
registerQueryCommand(program, log);
registerDashboardCommands(program, log);
registerDemoCommand(program, log);
registerClusterCommands(program, log);
registerDeployCommands(program, log);

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`lakehouse: error: ${message}\n`);
  process.exitCode = 1;
});

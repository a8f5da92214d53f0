// The `wpslink` command line: `start`, plus the az-style management commands.
import { readFileSync } from "node:fs";
import { processIo } from "./az/cliIo.js";
import { createProgram, registerAzCommands, runProgram } from "./az/program.js";
import { registerStartCommand } from "./startCommand.js";

const io = processIo((path) => readFileSync(path, "utf8"));
const program = createProgram(io);
registerStartCommand(program);
registerAzCommands(program, io, process.argv);

process.exitCode = await runProgram(program, process.argv, io);

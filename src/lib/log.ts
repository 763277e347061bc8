/** Progress output for long work: one line per step on stderr, so stdout stays data. */
export interface Logger {
  step(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export function consoleLogger(prefix = "lakehouse"): Logger {
  const started = Date.now();
  const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
  return {
    step: (m) => process.stderr.write(`[${prefix} ${stamp()}] ${m}\n`),
    info: (m) => process.stderr.write(`${m}\n`),
    warn: (m) => process.stderr.write(`warning: ${m}\n`),
  };
}

export const silentLogger: Logger = { step: () => {}, info: () => {}, warn: () => {} };

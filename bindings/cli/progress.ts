// Progress on stderr: one bar per stage of the pipeline, drawn only when stderr is a terminal.

import cliProgress from "cli-progress";

const STEPS = 1000;

export interface Progress {
  /** The embedding's onProgress callback. */
  update(fraction: number, stage: string): void;
  /** Completes the current bar (on success) or leaves it where it stopped. */
  finish(completed: boolean): void;
}

const SILENT: Progress = { update() {}, finish() {} };

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return SILENT;
  let bar: cliProgress.SingleBar | undefined;
  let current = "";
  const close = (completed: boolean) => {
    if (!bar) return;
    if (completed) bar.update(STEPS);
    bar.stop();
    bar = undefined;
  };
  return {
    update(fraction, stage) {
      if (stage !== current) {
        close(true);
        current = stage;
        bar = new cliProgress.SingleBar(
          { stream, format: `${stage.padEnd(18)} {bar} {percentage}% | {duration_formatted}`, hideCursor: true, barsize: 30 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(STEPS, 0);
      }
      bar!.update(Math.round(Math.min(1, Math.max(0, fraction)) * STEPS));
    },
    finish(completed) {
      close(completed);
    },
  };
}

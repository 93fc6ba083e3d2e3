// `cne spectrum`: one layout per s along the spectrum (each warm-started from the one before and aligned to
// it), written one file per s, and a grid plot with a panel per s.

import { basename } from "node:path";
import { spectrum, type SpectrumLayout } from "../index.ts";
import { checkTsneEndSeries } from "../spectrum/series.ts";
import { formatZ } from "./embed.ts";
import { fileError } from "./errors.ts";
import { gridPng } from "./grid.ts";
import { INPUT_FORMATS, describeRows, formatOf, readLabels, readTable } from "./read.ts";
import { precomputedOptions, readingOf } from "./neighbors.ts";
import { flagMessage, runSession } from "./session.ts";
import { checkDistinctPaths, checkWritable } from "./preflight.ts";
import type { SpectrumCommand } from "./spectrum-args.ts";
import { outputFormatOf, writeBytes, writeEmbedding } from "./write.ts";

const OUT_DIM = 2;

/** The layout file of one s: <prefix>-s<value>.<ext>, the extension taken from the prefix (default .npy). */
export function layoutFile(prefix: string, s: number): string {
  const format = outputFormatOf(prefix);
  const stem = format ? prefix.slice(0, prefix.length - format.length - 1) : prefix;
  return `${stem}-s${s}.${format ?? "npy"}`;
}

/** A panel's title: s and where that puts the loss (Z̄ for neg, c for infonce; t-SNE and its Z at the t-SNE end). */
export function panelTitle(layout: SpectrumLayout): string {
  if (layout.loss === "tsne") return `s = ${layout.s} · t-SNE${layout.zBar !== undefined ? ` · Z = ${formatZ(layout.zBar)}` : ""}`;
  if (layout.zBar !== undefined) return `s = ${layout.s} · Z\u0304 = ${formatZ(layout.zBar)}`;
  return `s = ${layout.s} · c = ${Number(layout.c!.toPrecision(3))}`;
}

export function runSpectrum(command: SpectrumCommand): Promise<number> {
  return runSession(command.input, command.quiet, async ({ signal, progress, compute }) => {
    if (!formatOf(command.input)) fileError(command.input, `unknown input format (expected ${INPUT_FORMATS})`);
    if (command.tsneEnd) checkTsneEndSeries(command.s);
    if (command.out === undefined && command.plot === undefined) fileError(command.input, "nothing to write: give --out <prefix> and/or --plot <file.png>");
    if (command.plot !== undefined && !command.plot.toLowerCase().endsWith(".png")) fileError(command.plot, "the grid plot is written as PNG: use a .png file name");
    const outputs = [
      ...(command.out !== undefined ? command.s.map((value) => ({ what: "--out", path: layoutFile(command.out!, value) })) : []),
      ...(command.plot !== undefined ? [{ what: "--plot", path: command.plot }] : []),
    ];
    checkDistinctPaths([{ what: "input", path: command.input }, ...(command.labels !== undefined ? [{ what: "--labels", path: command.labels }] : [])], outputs);
    if (command.out !== undefined) for (const value of command.s) checkWritable(layoutFile(command.out, value));
    if (command.plot !== undefined) checkWritable(command.plot);
    const table = await readTable(command.input, command.labelColumn, readingOf(command.reading, command.options));
    const labels = command.labels !== undefined ? await readLabels(command.labels, table.n, command.reading.maxInputBytes) : table.labels;
    const count = command.s.length;

    const series = await compute(() =>
      spectrum(table.values, {
        ...command.options,
        ...precomputedOptions(table),
        n: table.n,
        dim: table.dim,
        outDim: OUT_DIM,
        s: command.s,
        stepEpochs: command.stepEpochs,
        align: command.align,
        tsneEnd: command.tsneEnd,
        signal,
        // one bar per layout, each showing the fraction of the whole series
        onProgress: (fraction, _stage, index) => progress.update(fraction, `s = ${command.s[index]} (${index + 1}/${count})`),
        onWarning: (message) => process.stderr.write(`cne: warning: ${command.input}: ${flagMessage(message)}\n`),
      }),
    );

    const written: string[] = [];
    if (command.out !== undefined) {
      for (const layout of series.layouts) {
        const file = layoutFile(command.out, layout.s);
        // one table per s, each with the input's other columns and its own x and y (see README: Tables)
        await writeEmbedding(file, layout.layout, table.n, OUT_DIM, { metadata: table.metadata, labels });
        written.push(file);
      }
    }
    if (command.plot !== undefined) {
      const loss = `${command.tsneEnd ? "t-SNE → " : ""}${command.options.loss ?? "neg"}`;
      const png = gridPng({
        panels: series.layouts.map((l) => ({ values: l.layout, title: panelTitle(l) })),
        n: table.n,
        dim: OUT_DIM,
        labels,
        title: command.title ?? `${basename(command.input)} · ${loss} · n = ${table.n}${command.align ? " · aligned by Procrustes" : ""}`,
      });
      await writeBytes(command.plot, png);
      written.push(command.plot);
    }
    const rows = describeRows(command.input, table);
    if (!command.quiet) process.stderr.write(`cne: wrote ${written.join(", ")}${rows ? `; ${rows}` : ""}\n`);
  });
}

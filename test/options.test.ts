// The options table drives validation, the accepted names and the CLI: each entry's range and choices are
// enforced by the API and offered by the CLI exactly as stated.
import { describe, expect, it } from "vitest";
import { Command } from "commander";
import { createEmbedding, CneInputError, embeddingDefaults } from "../dist/index.js";
import { EMBEDDING_OPTIONS } from "../dist/options/embedding.js";
import { EMBEDDING_KEYS } from "../dist/embedding/params.js";
import { buildProgram, FLAG_OF_OPTION } from "../dist/cli/args.js";
import { randomMatrix } from "./helpers.ts";

const data = randomMatrix(40, 3, 2);
const table = EMBEDDING_OPTIONS as Record<string, { type: string; min?: number; max?: number; values?: string[]; default?: unknown; cli?: { flag: string } }>;
const create = (options: object) => createEmbedding(data, { dim: 3, k: 5, ...options });

describe("the options table", () => {
  it("names every option the API accepts", () => {
    expect([...EMBEDDING_KEYS].sort()).toEqual([...Object.keys(table), "onWarning", "signal", "onProgress"].sort());
    expect(() => create({ minDist: 0.1 })).toThrow(/unknown option "minDist"/);
  });

  it("enforces each integer option's range, naming the option", () => {
    for (const [name, spec] of Object.entries(table)) {
      if (spec.type !== "integer" || name === "n" || name === "dim" || name === "k") continue;
      for (const bad of [spec.min! - 1, spec.max! + 1, spec.min! + 0.5]) {
        expect(() => create({ [name]: bad }), `${name} = ${bad}`).toThrow(new RegExp(`${name} must be an integer from ${spec.min} to ${spec.max}`));
      }
    }
  });

  it("enforces each enum option's choices, and the defaults are the table's", () => {
    for (const [name, spec] of Object.entries(table)) {
      if (spec.type !== "enum") continue;
      expect(() => create({ [name]: "nonsense" })).toThrow(CneInputError);
      for (const value of spec.values!) {
        if (name === "knn" && value === "hnsw") continue; // loads a library: tested in hnsw.test.ts
        // t-SNE's options apply to loss "tsne" only (the others refuse them)
        const loss = name === "affinities" ? { loss: "tsne" } : {};
        expect(() => create({ [name]: value, ...loss }), `${name} = ${value}`).not.toThrow();
      }
      if (spec.default !== undefined) expect((embeddingDefaults as Record<string, unknown>)[name]).toBe(spec.default);
    }
  });

  it("gives the CLI one flag per flagged option, with the table's choices", () => {
    const program = buildProgram(() => {});
    const embed = program.commands.find((c: Command) => c.name() === "embed")!;
    for (const [name, spec] of Object.entries(table)) {
      const option = embed.options.find((o) => o.long === spec.cli?.flag);
      expect(Boolean(option), name).toBe(spec.cli !== undefined);
      if (!option) continue;
      expect((FLAG_OF_OPTION as Record<string, string>)[name]).toBe(spec.cli!.flag);
      if (spec.type === "enum") expect(option.argChoices).toEqual(spec.values);
    }
  });

  it("checks a precomputed kNN list and an initial layout when the handle is created", () => {
    expect(() => create({ init: new Float32Array(80).fill(NaN) })).toThrow(/init has a non-finite value at row 0, column 0/);
    expect(() => create({ init: new Float32Array(79) })).toThrow(/init has 79 values/);
    expect(() => create({ knnIndices: new Int32Array(200).fill(-1) })).toThrow(/knnIndices\[0\] = -1/);
    expect(() => create({ knnIndices: new Float64Array(200) })).toThrow(/knnIndices must be an Int32Array/);
  });
});

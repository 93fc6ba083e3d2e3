// The README's table of embedding options is written by hand (its defaults read better as prose); this keeps
// it from drifting: every option the API accepts has a row, every row is an option, and each stated default
// that is a plain value agrees with embeddingDefaults.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { embeddingDefaults } from "../dist/index.js";
import { EMBEDDING_KEYS } from "../dist/embedding/params.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

function optionRows(): Map<string, string> {
  const start = readme.indexOf("| option | default | meaning |");
  expect(start, "README has the options table").toBeGreaterThan(0);
  const rows = new Map<string, string>();
  for (const line of readme.slice(start).split("\n").slice(2)) {
    const m = /^\| `(\w+)` \| ([^|]*) \|/.exec(line);
    if (!m) break;
    rows.set(m[1], m[2].trim());
  }
  return rows;
}

describe("README options table", () => {
  it("lists exactly the options the API accepts", () => {
    // n and dim describe the data (the sentence under the example says so), not the embedding
    const options = EMBEDDING_KEYS.filter((k: string) => k !== "n" && k !== "dim");
    expect([...optionRows().keys()].sort()).toEqual([...options].sort());
  });

  it("states the same defaults as embeddingDefaults where the default is a plain value", () => {
    const rows = optionRows();
    let compared = 0;
    for (const [name, value] of Object.entries(embeddingDefaults as Record<string, unknown>)) {
      const stated = rows.get(name);
      if (stated === undefined || (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")) continue;
      const plain = typeof value === "string" ? `"${value}"` : String(value);
      const text = stated.replaceAll("`", "");
      // a default given with qualifications ("30, at most …") starts with the plain value; prose ("all cores") is skipped
      if (/^["0-9tf]/.test(text)) {
        expect(new RegExp(`^${plain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![0-9.])`).test(text), `README default of ${name}: "${stated}" vs ${plain}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5);
  });
});

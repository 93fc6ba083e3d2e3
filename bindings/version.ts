// The library's version, written into saved models (test/model checks it against package.json).
export const LIBRARY_VERSION = "0.1.0";

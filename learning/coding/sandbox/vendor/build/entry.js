import { parseHTML } from "linkedom";
globalThis.__linkedom = { parseHTML };

/**
 * The YAML layer: text → plain data, plus a way back from a path in that data to a line and column in
 * the text, so every problem can point at the offending node.
 */
import { LineCounter, isMap, isNode, isScalar, parseDocument, visit, type Document } from 'yaml';
import type { PathSegment } from './problems.ts';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

export interface YamlSource {
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export interface YamlMessage extends Position {
  message: string;
}

export type YamlParse = { ok: true; source: YamlSource; data: unknown } | { ok: false; errors: YamlMessage[] };

const START: Position = { line: 1, col: 1 };

export function parseYaml(text: string): YamlParse {
  const lineCounter = new LineCounter();
  // prettyErrors off: we want yaml's message and offset, not its code frame.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): Position => lineCounter.linePos(offset);
  const errors: YamlMessage[] = doc.errors.map((error) => ({ ...at(error.pos[0]), message: error.message }));

  // yaml only notices an alias to an unknown anchor when converting; report it where it is written.
  visit(doc, {
    Alias(_key, alias) {
      if (!alias.resolve(doc))
        errors.push({ ...(alias.range ? at(alias.range[0]) : START), message: `unknown anchor *${alias.source}` });
    },
  });
  if (errors.length > 0) return { ok: false, errors };

  try {
    return { ok: true, source: { doc, lineCounter }, data: doc.toJS() };
  } catch (error) {
    // e.g. an alias bomb over maxAliasCount: no node to blame, so the start of the file.
    return { ok: false, errors: [{ ...START, message: error instanceof Error ? error.message : String(error) }] };
  }
}

/**
 * Where a path points in the text. A path that goes further than the document (a missing key) lands on
 * the deepest node that exists, i.e. the map that lacks the key.
 */
export function positionOf(source: YamlSource, path: readonly PathSegment[], at?: 'key'): Position {
  const { doc, lineCounter } = source;
  if (at === 'key' && path.length > 0) {
    const key = keyNode(doc, path);
    if (key?.range) return lineCounter.linePos(key.range[0]);
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const node = doc.getIn(prefix, true);
    if (!isNode(node) || !node.range) continue;
    // `token:` with nothing after it: the key is where the eye goes, the empty value has no text.
    if (isScalar(node) && node.range[0] === node.range[1] && depth > 0) {
      const key = keyNode(doc, prefix);
      if (key?.range) return lineCounter.linePos(key.range[0]);
    }
    return lineCounter.linePos(node.range[0]);
  }
  return START;
}

/** The key node of the last segment of `path`, when its parent is a map that has that key. */
function keyNode(doc: Document.Parsed, path: readonly PathSegment[]) {
  const parent = doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const wanted = String(path[path.length - 1]);
  const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === wanted);
  return isNode(pair?.key) ? pair.key : undefined;
}

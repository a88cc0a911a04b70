import type { McpServerRoute } from '../access/org-routes.ts';
import type { RpcMessage } from './jsonrpc.ts';

/**
 * A server's tool rules (product.md, MCP): a tool is usable when it is not blocked and, if
 * allowedTools is not empty, is on it. Names are compared exactly, so a variant of an allowed
 * name ("Echo", "echo ", a Cyrillic "е") is simply not on the allow list.
 *
 * The block list is the dangerous direction: the gateway cannot know how leniently an upstream
 * matches names (some fold case or trim), so a name that merely looks like a blocked one is
 * refused too. `lookalike` folds compatibility forms, combining marks, invisible characters,
 * whitespace, case, common Cyrillic/Greek homoglyphs and the i/l/1, o/0 families (after UTS #39
 * "confusables", reduced to what tool names use).
 */
export interface ToolRules {
  permits(name: unknown): boolean;
  /** True when the rules can hide anything, so list results need rewriting. */
  readonly active: boolean;
}

// Homoglyphs folded before lower-casing, so an upper-case look-alike maps to its upper-case Latin twin.
const HOMOGLYPHS: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', с: 'c', ԁ: 'd', е: 'e', һ: 'h', і: 'i', ј: 'j', к: 'k', ӏ: 'l', м: 'm', н: 'h', о: 'o', р: 'p', ԛ: 'q', ѕ: 's',
  т: 't', у: 'y', ү: 'y', х: 'x', ԝ: 'w', ь: 'b',
  А: 'A', В: 'B', С: 'C', Е: 'E', Н: 'H', І: 'I', Ј: 'J', К: 'K', М: 'M', О: 'O', Р: 'P', Ѕ: 'S', Т: 'T', У: 'Y', Х: 'X', Ү: 'Y', Ԝ: 'W',
  // Greek
  α: 'a', β: 'b', γ: 'y', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  // Latin extensions
  ı: 'i', ȷ: 'j', ɑ: 'a', ɡ: 'g', ʏ: 'y', ɪ: 'i', ᴏ: 'o', ᴠ: 'v', ᴡ: 'w', ᴢ: 'z', ǀ: 'l', '|': 'l',
};
const HOMOGLYPH_RE = new RegExp(`[${Object.keys(HOMOGLYPHS).join('').replace(/[|\]\\^-]/g, '\\$&')}]`, 'gu');
// Combining marks, invisible format characters, controls and any whitespace carry no visible identity.
const INVISIBLE_RE = /[\p{M}\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}\p{White_Space}]/gu;

export function lookalike(name: string): string {
  return name
    .normalize('NFKD')
    .replace(INVISIBLE_RE, '')
    .replace(HOMOGLYPH_RE, (c) => HOMOGLYPHS[c])
    .toLowerCase()
    .normalize('NFKC')
    .replace(INVISIBLE_RE, '')
    .replace(/[il1]/g, 'l')
    .replace(/0/g, 'o')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
}

export function compileToolRules(allowedTools: readonly string[], blockedTools: readonly string[]): ToolRules {
  const allowed = new Set(allowedTools);
  const blocked = new Set(blockedTools);
  const blockedLookalikes = new Set(blockedTools.map(lookalike));
  return {
    active: allowed.size > 0 || blocked.size > 0,
    permits(name: unknown): boolean {
      if (typeof name !== 'string' || name.length === 0) return false;
      if (allowed.size > 0 && !allowed.has(name)) return false;
      if (blocked.size === 0) return true;
      return !blocked.has(name) && !blockedLookalikes.has(lookalike(name));
    },
  };
}

// Route objects live until their organisation's table is invalidated, so rules compile once per load.
const compiled = new WeakMap<McpServerRoute, ToolRules>();

export function toolRulesFor(route: McpServerRoute): ToolRules {
  let r = compiled.get(route);
  if (!r) {
    r = compileToolRules(route.allowedTools, route.blockedTools);
    compiled.set(route, r);
  }
  return r;
}

/** Removes unusable tools from a tools/list result; true when the message was changed. */
export function filterToolList(msg: RpcMessage, rules: ToolRules): boolean {
  const tools = msg.result?.tools;
  if (!Array.isArray(tools)) return false;
  // Entries without a usable name are dropped too: a client cannot call them anyway.
  const kept = tools.filter((t) => t && typeof t === 'object' && rules.permits((t as { name?: unknown }).name));
  msg.result!.tools = kept;
  return true;
}

/** Whether a response looks like a tools/list result (used when the request is not known). */
export function looksLikeToolList(msg: RpcMessage): boolean {
  return !!msg.result && Array.isArray(msg.result.tools);
}

const GUARDED_METHODS = new Map([[lookalike('tools/call'), 'tools/call'], [lookalike('tools/list'), 'tools/list']]);

/**
 * A method that only looks like tools/call or tools/list ("Tools/Call", "tools/call ") is refused:
 * a lenient upstream could dispatch it and skip the gateway's tool rules.
 */
export function isDisguisedToolMethod(method: string): boolean {
  const real = GUARDED_METHODS.get(lookalike(method));
  return real !== undefined && real !== method;
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileToolRules, filterToolList, isDisguisedToolMethod, lookalike } from './tool-rules.ts';

test('no rules: every named tool is usable', () => {
  const r = compileToolRules([], []);
  assert.equal(r.active, false);
  assert.equal(r.permits('anything'), true);
  assert.equal(r.permits(''), false);
  assert.equal(r.permits(undefined), false);
  assert.equal(r.permits(42), false);
});

test('an allow list is matched exactly: no case, whitespace, prefix or Unicode variant', () => {
  const r = compileToolRules(['read_file'], []);
  assert.equal(r.permits('read_file'), true);
  for (const v of ['Read_file', 'READ_FILE', 'read_file ', ' read_file', 'read_file\n', 'read_fil', 'read_file_all', 'read_ﬁle', 'rеad_file', 'read\u200bfile', 'ｒｅａｄ_ｆｉｌｅ']) {
    assert.equal(r.permits(v), false, JSON.stringify(v));
  }
});

test('a blocked tool is refused under any look-alike spelling', () => {
  const r = compileToolRules([], ['delete_repo']);
  assert.equal(r.permits('list_repos'), true);
  for (const v of [
    'delete_repo', 'Delete_Repo', 'DELETE_REPO', 'delete_repo ', '\tdelete_repo', 'delete_repo\u0000', 'delete\u200b_repo', 'delete_repo\u00ad',
    'dеlete_repo' /* Cyrillic е */, 'delete_rеpο' /* Cyrillic е, Greek ο */, 'ｄｅｌｅｔｅ_ｒｅｐｏ', 'de\u0301lete_repo', 'de1ete_repo', 'DELETE_REP0', 'deIete_repo',
  ]) {
    assert.equal(r.permits(v), false, JSON.stringify(v));
  }
});

test('allow and block together: blocked wins, unlisted is refused', () => {
  const r = compileToolRules(['a', 'b'], ['b']);
  assert.deepEqual(['a', 'b', 'c'].map((n) => r.permits(n)), [true, false, false]);
});

test('lookalike folds what a lenient server might fold', () => {
  assert.equal(lookalike('Ｔｏｏｌ'), lookalike('tool'));
  assert.equal(lookalike('tοοl'), lookalike('tool'));
  assert.equal(lookalike(' to\u200bol\n'), lookalike('tool'));
  assert.notEqual(lookalike('tool'), lookalike('tools'));
});

test('filterToolList drops unusable and nameless entries and keeps the cursor', () => {
  const r = compileToolRules([], ['secret']);
  const msg = { jsonrpc: '2.0' as const, id: 1, result: { tools: [{ name: 'ok' }, { name: 'secret' }, { name: 'SECRET ' }, {}, null, 'x'], nextCursor: 'c2' } };
  assert.equal(filterToolList(msg, r), true);
  assert.deepEqual(msg.result, { tools: [{ name: 'ok' }], nextCursor: 'c2' });
});

test('methods disguised as tools/call or tools/list are recognised; the real ones are not', () => {
  for (const m of ['Tools/Call', 'tools/call ', 'TOOLS/LIST', 'tools/lіst']) assert.equal(isDisguisedToolMethod(m), true, m);
  for (const m of ['tools/call', 'tools/list', 'resources/list', 'prompts/get']) assert.equal(isDisguisedToolMethod(m), false, m);
});

// The script of the API reference page (/api/docs), served as its own file so a strict
// Content-Security-Policy (no inline script) covers the page. It is a string here, not a file read at
// run time, so it ships inside every server bundle (npm start, the bench). Plain browser JavaScript:
// no template literals (the string is a String.raw template).
export const API_DOCS_SCRIPT = String.raw`// Renders /api/openapi.json as a readable reference: operations grouped by tag, each with its
// parameters, request body and responses; $refs shown by name and listed under "Schemas".
(async () => {
  const root = document.getElementById('docs');
  const el = (tag, attrs = {}, ...kids) => {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    for (const k of kids.flat()) n.append(k instanceof Node ? k : document.createTextNode(String(k)));
    return n;
  };
  let spec;
  try {
    const res = await fetch('/api/openapi.json', { headers: { accept: 'application/json' } });
    spec = await res.json();
  } catch {
    root.replaceChildren(el('p', { class: 'error' }, 'The OpenAPI document could not be loaded.'));
    return;
  }
  const typeOf = (s) => {
    if (!s || typeof s !== 'object') return 'any';
    if (s.$ref) {
      const name = s.$ref.split('/').pop();
      return el('a', { href: '#schema-' + name }, name);
    }
    if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
    if (s.oneOf || s.anyOf) return join((s.oneOf || s.anyOf).map(typeOf), ' | ');
    const t = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
    if (t === 'array') return join([typeOf(s.items), '[]'], '');
    return t || 'object';
  };
  const join = (parts, sep) => {
    const span = el('span');
    parts.forEach((p, i) => { if (i) span.append(sep); span.append(p instanceof Node ? p : String(p)); });
    return span;
  };
  const fields = (s) => {
    if (!s) return el('span');
    if (s.$ref || s.type !== 'object' || !s.properties) return el('code', {}, typeOf(s));
    const req = new Set(s.required || []);
    return el('table', { class: 'fields' },
      el('tbody', {}, Object.entries(s.properties).map(([name, p]) =>
        el('tr', {}, el('td', {}, el('code', {}, name), req.has(name) ? '' : el('span', { class: 'opt' }, ' optional')), el('td', {}, el('code', {}, typeOf(p)), p.description ? ' ' + p.description : '')))));
  };
  const ops = {};
  for (const [path, methods] of Object.entries(spec.paths || {})) {
    for (const [method, op] of Object.entries(methods)) (ops[op.tags?.[0] || 'misc'] ||= []).push({ path, method, op });
  }
  const nav = el('nav', { 'aria-label': 'Resources' }, el('h2', {}, 'Resources'), el('ul', {}, Object.keys(ops).sort().map((tag) => el('li', {}, el('a', { href: '#tag-' + tag }, tag)))));
  const main = el('main', {}, el('h1', {}, spec.info?.title || 'API'), el('p', {}, spec.info?.description || ''),
    el('p', {}, 'Authenticate with the console session cookie or an operator access token (', el('code', {}, 'Authorization: Bearer …'), '). Errors answer ', el('code', {}, '{"error":{"code","message"}}'), '.'));
  for (const tag of Object.keys(ops).sort()) {
    const section = el('section', { id: 'tag-' + tag, 'aria-label': tag }, el('h2', {}, tag));
    for (const { path, method, op } of ops[tag]) {
      const params = (op.parameters || []).map((p) => el('li', {}, el('code', {}, p.name), ' (' + p.in + (p.required ? ', required' : '') + ') ', el('code', {}, typeOf(p.schema))));
      const responses = Object.entries(op.responses || {}).map(([code, r]) => el('div', { class: 'resp' }, el('strong', {}, code), ' ' + (r.description || '') + ' ', fields(r.content?.['application/json']?.schema)));
      section.append(el('article', { class: 'op' },
        el('h3', {}, el('span', { class: 'm m-' + method }, method.toUpperCase()), ' ', el('code', {}, path)),
        el('p', { class: 'summary' }, op.summary || ''),
        params.length ? el('div', {}, el('h4', {}, 'Parameters'), el('ul', {}, params)) : '',
        op.requestBody ? el('div', {}, el('h4', {}, 'Body'), fields(op.requestBody.content?.['application/json']?.schema)) : '',
        el('h4', {}, 'Responses'), responses));
    }
    main.append(section);
  }
  const schemas = el('section', { id: 'schemas', 'aria-label': 'Schemas' }, el('h2', {}, 'Schemas'));
  for (const [name, s] of Object.entries(spec.components?.schemas || {})) schemas.append(el('article', { id: 'schema-' + name, class: 'op' }, el('h3', {}, name), fields(s)));
  main.append(schemas);
  root.replaceChildren(nav, main);
})();
`;

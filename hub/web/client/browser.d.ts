// The console page's code runs in a browser: it type-checks with the project (so it shares the
// protocol's types) and needs the DOM's declarations to do so.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

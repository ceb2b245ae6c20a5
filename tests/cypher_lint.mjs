// Neo4j's own Cypher front end, offline: reads [{"name", "query", "params"?}, ...] as JSON on
// stdin and prints [{"name", "diagnostics": [{"severity", "message", "line", "column"}]}] as
// JSON on stdout. Used by tests/test_cypher_lint.py; one process lints every statement.
// Severity 1 is an error, 2 a warning (as in the Language Server Protocol).
// Loaded through require: the package's ESM build of the version pinned for Node 20
// (package.json) leaves out file extensions, which Node's ESM loader does not accept.
import { createRequire } from 'node:module';

const { lintCypherQuery } = createRequire(import.meta.url)('@neo4j-cypher/language-support');

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const items = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const out = items.map(({ name, query, params }) => {
  // Neo4j 5 servers speak Cypher 5; declared parameters silence "Parameter $x is not defined".
  const schema = { defaultLanguage: 'CYPHER 5', parameters: params ?? {} };
  const result = lintCypherQuery(query, schema);
  const diagnostics = Array.isArray(result) ? result : result.diagnostics; // older releases: the list itself
  return {
    name,
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity,
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    })),
  };
});
process.stdout.write(JSON.stringify(out));

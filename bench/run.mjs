// No benchmark exists yet: the first one arrives with the host runtime (call wrapper vs MCP SDK).
console.log('toolhost bench: no benchmarks yet; the host runtime brings the first one.');

// CommonJS users: Node >= 20.19 loads these ES modules with require() (the exports map's
// "default" condition). Prints the export names it sees, one package per line.
for (const name of ['cosocket', 'resty-redis', 'resty-memcached', 'resty-mongo']) {
  const mod = require(name);
  console.log(`${name}: ${Object.keys(mod).length} exports`);
}
try {
  require('resty-redis/dist/client.js');
  console.log('deep import: allowed');
} catch (e) {
  console.log(`deep import: ${e.code}`);
}

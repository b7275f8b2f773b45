// Child processes for the browser test: the real connector and the AMI
// replay server, their output kept in files, stopped at the end.
import {spawn} from 'node:child_process';
import fs from 'node:fs';

export class Child {
  constructor(name, argv, dir) {
    this.name = name;
    this.out = `${dir}/${name}.out`;
    this.err = `${dir}/${name}.err`;
    this.proc = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', fs.openSync(this.out, 'w'), fs.openSync(this.err, 'w')],
    });
    this.exit = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({code, signal})));
    this.exited = false;
    this.exit.then(() => {
      this.exited = true;
    });
  }

  stderrTail(lines = 30) {
    try {
      return fs.readFileSync(this.err, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  // SIGTERM, then SIGKILL if it does not exit within `ms`.
  async stop(ms = 5000) {
    if (this.exited) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), ms);
    await this.exit;
    clearTimeout(timer);
  }
}

// The port a child writes to its --port-file / --api-port-file (written to a
// temporary name and renamed, so a complete number or nothing). Fails when
// the child exits first or the deadline passes.
export async function waitForPortFile(path, child, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const port = Number(fs.readFileSync(path, 'utf8').trim());
      if (port > 0) return port;
    } catch {
      // not written yet
    }
    if (child.exited) throw new Error(`${child.name} exited before writing ${path}:\n${child.stderrTail()}`);
    if (Date.now() > deadline) throw new Error(`${child.name} wrote no port to ${path} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));  // polling a file, with a deadline
  }
}

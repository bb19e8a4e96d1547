/** Preloaded (node --import) into every process the tests start: once the test worker that started it is gone, it ends too. */

// A worker can die without running a single hook (killed, out of memory, a run stopped half way); its children are
// then handed to another parent, which is how they notice. Unref'd: it never keeps a finished process alive.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
}, 200).unref();

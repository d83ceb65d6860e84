import type { ChildProcess } from 'node:child_process';

export interface StepResult {
  code: number | null;
  output: string;
}

/** Ends a command the demo started detached, with everything it started in turn. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * Shows a command's output indented, line by line as it arrives, and returns it. The AWS CLI,
 * without a terminal, reads the MFA code from stdin after warnings about echo that mean nothing
 * here: those are dropped, and its prompt is shown with the code the demo typed.
 */
export function collectOutput(child: ChildProcess, write: (text: string) => void, options: { typed?: string; timeoutMs: number }): Promise<StepResult> {
  return new Promise((resolve) => {
    let output = '';
    const noise = /GetPassWarning|fallback_getpass|Password input may be echoed/;
    const prompt = /^Enter MFA code for \S+: ?$/;
    const show = (line: string) => {
      if (noise.test(line)) return;
      // getpass ends the prompt's line once it has read the code
      if (prompt.test(line)) line = `${line.trimEnd()} ${options.typed ?? ''}`;
      write(line.trim() ? `    ${line}\n` : '\n');
    };
    const stream = (source: NodeJS.ReadableStream) => {
      let pending = '';
      source.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        output += text;
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) show(line);
      });
      source.on('end', () => {
        if (pending) show(pending);
        pending = '';
      });
    };
    stream(child.stdout!);
    stream(child.stderr!);
    const timer = setTimeout(() => {
      if (child.pid !== undefined) killGroup(child.pid);
      const note = `(no answer within ${options.timeoutMs / 1000} s; stopped)`;
      output += `\n${note}\n`;
      write(`    ${note}\n`);
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: output + error.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// A Dockerfile read into its stages and instructions: enough to check what each stage
// copies and runs, with no Docker engine. Line continuations and comments are handled as
// Docker does (a `#` starts a comment only at the start of a line); heredocs are not used
// here and are refused rather than misread.

export interface Instruction {
  keyword: string;
  /** The text after the keyword, continuations joined. */
  args: string;
  line: number;
}

export interface Stage {
  /** `FROM <image> AS <name>`: the image with build arguments expanded from their defaults. */
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === undefined && (line === '' || line.startsWith('#'))) return;
    if (pending !== undefined && line.startsWith('#')) return;
    const continued = line.endsWith('\\');
    const part = continued ? line.slice(0, -1) : line;
    pending = pending
      ? { ...pending, text: `${pending.text} ${part}` }
      : { text: part, line: index + 1 };
    if (continued) return;
    const match = /^(\w+)\s*(.*)$/s.exec(pending.text.trim());
    if (!match) throw new Error(`line ${pending.line}: not an instruction: ${pending.text}`);
    if (/<<-?\w+/.test(match[2]!) && /^(RUN|COPY)$/i.test(match[1]!))
      throw new Error(`line ${pending.line}: heredocs are not read by this parser`);
    instructions.push({
      keyword: match[1]!.toUpperCase(),
      args: match[2]!.replace(/\s+/g, ' ').trim(),
      line: pending.line,
    });
    pending = undefined;
  });
  if (pending) throw new Error('the file ends inside a continued line');

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(' ');
      const expanded = image!.replace(/\$\{?(\w+)\}?/g, (_, arg: string) => {
        const value = globalArgs[arg];
        if (value === undefined) throw new Error(`line ${instruction.line}: ${arg} has no default`);
        return value;
      });
      stages.push({
        image: expanded,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG')
        throw new Error(`line ${instruction.line}: only ARG may precede FROM`);
      const [name, value] = instruction.args.split('=');
      globalArgs[name!] = value ?? '';
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

export interface Copy {
  from: string | undefined;
  sources: string[];
  destination: string;
  line: number;
}

/** COPY and ADD of a stage, flags apart (`--from`, `--chown`...), exec (JSON) form too. */
export function copies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .map((i) => {
      const words = i.args.startsWith('[') ? (JSON.parse(i.args) as string[]) : i.args.split(' ');
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      return { from, sources: paths.slice(0, -1), destination: paths.at(-1)!, line: i.line };
    });
}

export function last<T>(items: T[]): T {
  const item = items.at(-1);
  if (item === undefined) throw new Error('empty');
  return item;
}

import { InvalidArgumentError } from "commander";

/** Commander argument parsers that reject bad numbers with a usage error (exit 2). */
export function positiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError("expected a whole number ≥ 1");
  return number;
}

export function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError("expected a number > 0");
  return number;
}

export function oneOf<T extends string>(...choices: T[]): (value: string) => T {
  return (value: string) => {
    if (!choices.includes(value as T))
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}`);
    return value as T;
  };
}

export function nonNegativeInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return number;
}

export function unitInterval(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 1)
    throw new InvalidArgumentError("expected a number from 0 to 1");
  return number;
}

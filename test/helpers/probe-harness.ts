/** Driving one probe instance by hand in unit tests: create it, sample it, see what an action left. */
import { strict as assert } from 'node:assert';
import { toReading, type LeakItem, type ProbeDefinition, type ProbeInstance, type Reading } from '../../src/core/probe';

export async function createProbe<Options>(definition: ProbeDefinition<Options>, options: Options): Promise<ProbeInstance> {
  const instance = await definition.create({ options, rootDir: process.cwd(), warn: () => {} });
  assert.ok(instance);
  return instance;
}

export async function sample(instance: ProbeInstance): Promise<Reading> {
  return toReading(await instance.sample());
}

/** What `action` left, as the engine would see it: sample, act, sample, newItems. */
export async function changedBy(instance: ProbeInstance, action: () => unknown): Promise<LeakItem[]> {
  const before = await sample(instance);
  await action();
  return instance.newItems!(before, await sample(instance));
}

import { z } from 'zod';
import { cinderBoolean, cinderInteger, parseBody } from './cinder-body';

const schema = z
  .object({ size: cinderInteger, name: z.string().max(3).optional(), on: cinderBoolean.optional() })
  .strict();

const message = (body: unknown): string => {
  try {
    parseBody('volume', schema, body);
  } catch (error) {
    return (error as Error).message;
  }
  return 'passed';
};

describe("Cinder's request body validation", () => {
  it('takes digit strings as integers and oslo boolean strings as booleans', () => {
    expect(parseBody('volume', schema, { volume: { size: '3', on: 'yes' } })).toEqual({ size: 3, on: true });
  });

  it("words failures as Cinder's schema validation does", () => {
    expect(message({})).toBe("Invalid input received: Missing required element 'volume' in request body.");
    expect(message({ volume: {} })).toMatch(
      /field\/attribute size\. Value: None\. 'size' is a required property/,
    );
    expect(message({ volume: { size: 'big' } })).toMatch(
      /field\/attribute size\. Value: big\. "big" is not of type 'number'/,
    );
    expect(message({ volume: { size: 1, name: 'long' } })).toMatch(/"long" is too long/);
    expect(message({ volume: { size: 1, colour: 'red' } })).toMatch(
      /Additional properties are not allowed \('colour' was unexpected\)/,
    );
  });
});

import {
  decodeStrict,
  dropUnknownFields,
  goValueString,
  warningHeader,
} from './fieldValidation';
import { kindSchema } from './openapi/kindSchemas';
import { resourceTypeNamed } from './resourceTypes';

const pods = resourceTypeNamed('pods');
const configMaps = resourceTypeNamed('configmaps');

describe('strict decoding against the served schemas', () => {
  it('decodes like JSON.parse when nothing is unknown or repeated', () => {
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        labels: { 'app.kubernetes.io/name': 'x' },
        annotations: { 'quote"d': 'tab\tand \u00e9 \\ slash' },
      },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'i',
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: 0.5, memory: '1Gi' } },
            env: [{ name: 'N', value: '-1.5e3' }],
          },
        ],
        terminationGracePeriodSeconds: -1,
        hostNetwork: false,
        priorityClassName: null,
        volumes: [{ name: 'v', emptyDir: {} }],
      },
    });
    const decoded = decodeStrict(text, kindSchema(pods));
    expect(decoded.errors).toEqual([]);
    expect(decoded.value).toEqual(JSON.parse(text));
  });

  it('lists unknown and duplicate fields with their paths, in document order, and drops the unknown', () => {
    const decoded = decodeStrict(
      '{"metadata":{"name":"p","labels":{"a":"1","a":"2"}},"spec":{"containers":[{"name":"c","image":"i","image":"j","bad":{"x":{"y":1}}}],"nodeSelector":{"k":"v"},"nodeSelector":{"l":"w"}},"status":{"phase":"Running","foo":[1]}}',
      kindSchema(pods),
    );
    expect(decoded.errors).toEqual([
      'duplicate field "metadata.labels.a"',
      'duplicate field "spec.containers[0].image"',
      'unknown field "spec.containers[0].bad"',
      'duplicate field "spec.nodeSelector"',
      'unknown field "status.foo"',
    ]);
    expect(decoded.value).toEqual({
      metadata: { name: 'p', labels: { a: '2' } },
      spec: {
        containers: [{ name: 'c', image: 'j' }],
        // A repeated map is decoded into the first one, as Go does.
        nodeSelector: { k: 'v', l: 'w' },
      },
      status: { phase: 'Running' },
    });
  });

  it('accepts anything in free-form fields and leaves empty maps out, as Go encodes them', () => {
    const decoded = decodeStrict(
      '{"metadata":{"name":"c","annotations":{},"managedFields":[{"manager":"m","fieldsV1":{"f:data":{"f:x":{}}}}]},"data":{}}',
      kindSchema(configMaps),
    );
    expect(decoded.errors).toEqual([]);
    expect(decoded.value).toEqual({
      metadata: {
        name: 'c',
        managedFields: [
          { manager: 'm', fieldsV1: { 'f:data': { 'f:x': {} } } },
        ],
      },
    });
    expect(
      dropUnknownFields(
        { metadata: { name: 'c', labels: {} }, data: { a: 'b' }, x: 1 },
        kindSchema(configMaps),
      ),
    ).toEqual({
      value: { metadata: { name: 'c' }, data: { a: 'b' } },
      errors: ['unknown field "x"'],
    });
  });

  it('only reports duplicates without a schema (patch bodies)', () => {
    expect(
      decodeStrict('{"a":{"b":1,"b":2},"c":[{"d":1,"d":1}]}', undefined),
    ).toEqual({
      value: { a: { b: 2 }, c: [{ d: 1 }] },
      errors: ['duplicate field "a.b"', 'duplicate field "c[0].d"'],
    });
  });

  it('prints values as Go does in its messages and headers', () => {
    expect(
      goValueString({ spec: { x: 1, y: [1, 'a', true, null, 1.5] }, a: {} }),
    ).toBe('map[a:map[] spec:map[x:1 y:[1 a true <nil> 1.5]]]');
    expect(warningHeader('unknown field "spec.é"')).toBe(
      '299 - "unknown field \\"spec.\\u00e9\\""',
    );
  });
});

// A user-defined function for `eddy test -e examples/extensions` (and ksqlDB's udf test-runner
// sample): BACKWARD_CONCAT(a, b) = b || a.
//
// An extension module's default export receives the function registry and the helpers to
// declare functions: `scalarFunction({ name, signatures })`, `T` (SQL types), `P` (parameter
// patterns). Each signature gives its parameter types, its return type and `fn`; a NULL argument
// makes the result NULL unless the signature says `nullSafe: true`.
export default function register({ registry, scalarFunction, T }) {
  registry.registerScalar(
    scalarFunction({
      name: 'backward_concat',
      description: 'Concatenates two strings, the second first.',
      signatures: [{ params: [T.STRING, T.STRING], returns: T.STRING, fn: (a, b) => `${b}${a}` }],
    }),
  )
}

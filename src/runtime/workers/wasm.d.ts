// wrangler (module rule CompiledWasm for **/*.wasm) and the vitest workers pool both hand a
// statically imported .wasm file over as an already compiled module: workerd forbids compiling
// WebAssembly at run time.
declare module '*.wasm' {
  const module: WebAssembly.Module
  export default module
}

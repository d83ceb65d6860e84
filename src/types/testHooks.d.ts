// false in the shipped bundle (scripts/bundle.mjs sets it with esbuild's `define`), which makes every
// test hook dead code there. Nothing sets it at run time: in tsc's dist/, which the tests run, it is
// undefined and the hooks work.
declare var ROLEGATE_TEST_HOOKS: false | undefined;

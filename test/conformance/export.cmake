# Build-time wrapper around export.mjs (see CMakeLists.txt here). Arguments: NODE, SCRIPT_DIR,
# OUT_DIR. Skips with a warning, instead of failing the build, when node or the npm packages
# are missing: the conformance test then reports that `make deps` is needed.
if(NOT EXISTS "${SCRIPT_DIR}/node_modules/@bufbuild/cel-spec/package.json")
  message(WARNING "CEL conformance: ${SCRIPT_DIR}/node_modules is missing; run `make deps` "
                  "(npm ci in test/conformance). The conformance test will fail until then.")
  return()
endif()
if(NOT NODE)
  message(WARNING "CEL conformance: node not found; run `make deps` (installs nodejs).")
  return()
endif()
execute_process(COMMAND "${NODE}" "${SCRIPT_DIR}/export.mjs" "${OUT_DIR}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "CEL conformance: export.mjs failed (exit ${rc})")
endif()

# Runs PROGRAM and fails unless its output equals the file EXPECTED, printing
# both when they differ (ctest -P script: no shell, no diff needed).
execute_process(COMMAND ${PROGRAM} OUTPUT_VARIABLE got RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${rc}")
endif()
file(READ ${EXPECTED} want)
if(NOT got STREQUAL want)
  message(FATAL_ERROR "${PROGRAM}: output differs from ${EXPECTED}\n--- expected\n${want}--- got\n${got}")
endif()
message(STATUS "same digests as ${EXPECTED}")

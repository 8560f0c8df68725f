# Whole-binary oracle: nta's flow records (nta analyze --flows) against tshark's conversations
# (conv,tcp / conv,udp frame counts and per-packet IP lengths); docs/oracle.md, "Flows".
add_test(NAME oracle.flows
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/flow_oracle.py
                 --nta $<TARGET_FILE:nta>
                 --data ${PROJECT_SOURCE_DIR}/../shared/data/pcaps
                 --work ${CMAKE_CURRENT_BINARY_DIR}/work_flows)
set_tests_properties(oracle.flows PROPERTIES
  SKIP_RETURN_CODE 77
  LABELS "oracle"
  TIMEOUT 900
  ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")

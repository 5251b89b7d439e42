# Turns a text file into a C source defining
#   const char infl_default_scenario_yaml[];  const unsigned long infl_default_scenario_size;
# Run as: cmake -DINPUT=file -DOUTPUT=file.c -P embed.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR size "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x[0-9a-f][0-9a-f],){16}" "\\0\n" bytes "${bytes}")
file(WRITE "${OUTPUT}"
"/* Generated from ${INPUT} by cmake/embed.cmake; do not edit. */\n"
"const char infl_default_scenario_yaml[] = {\n${bytes}0x00};\n"
"const unsigned long infl_default_scenario_size = ${size};\n")

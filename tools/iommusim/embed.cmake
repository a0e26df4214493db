# Generates a C source holding a text file as a char array.
# Usage: cmake -DIN=file -DOUT=file.c -DSYMBOL=name -DHEADER=name.h -P embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR len "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n\t" bytes "${bytes}")
get_filename_component(name "${IN}" NAME)
file(WRITE "${OUT}"
"/* Generated from ${name} by embed.cmake; do not edit. */
#include \"${HEADER}\"

const unsigned char ${SYMBOL}[] = {
\t${bytes}0x00
};
const size_t ${SYMBOL}_len = ${len};
")

# map-embed.cmake: turns the départements' outlines (data/map/*.svg, each
# <path> with the INSEE code as id) into a C table compiled into the client.
# Usage: cmake -DOUT=map-data.c -DMETRO=france.svg -DOVERSEAS=overseas.svg
#        -P map-embed.cmake
# METRO holds metropolitan France; OVERSEAS the départements drawn as
# insets.
set(body "/* Generated from data/map by map-embed.cmake: do not edit. */\n")
string(APPEND body "#include \"annual-map.h\"\n\nconst struct map_shape map_shapes[] = {\n")
set(n 0)
set(overseas 0)
foreach(f ${METRO} ${OVERSEAS})
  file(READ ${f} svg)
  string(REGEX REPLACE "[\r\n\t]+" " " svg "${svg}")
  string(REGEX MATCHALL "<path [^>]*>" paths "${svg}")
  foreach(p ${paths})
    if(NOT p MATCHES " id=\"([0-9AB]+)\"")
      message(FATAL_ERROR "${f}: a path without a département code: ${p}")
    endif()
    set(code ${CMAKE_MATCH_1})
    if(NOT p MATCHES " d=\"([-0-9.,eEmMlLhHvVzZ ]+)\"")
      message(FATAL_ERROR "${f}: département ${code}: no outline, or one with curves")
    endif()
    set(d ${CMAKE_MATCH_1})
    if(NOT p MATCHES " aria-label=\"([^\"]+)\"")
      message(FATAL_ERROR "${f}: département ${code}: no name")
    endif()
    string(APPEND body "\t{\"${code}\", ${overseas}, \"${CMAKE_MATCH_1}\", \"${d}\"},\n")
    math(EXPR n "${n} + 1")
  endforeach()
  set(overseas 1)
endforeach()
string(APPEND body "};\nconst size_t map_nshapes = ${n};\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)

// The translation unit that carries the test executables' precompiled GoogleTest header
// (cmake/NtaModule.cmake, nta_add_test). It defines nothing.

// flipflop shim: NVRTC has no libc. NVRTC predefines assert (calling its builtin __assertfail) from NDEBUG as
// set before the source; as the C header does, this re-reads NDEBUG at each include (so no include guard).
#undef assert
#ifdef NDEBUG
#define assert(e) (static_cast<void>(0))
#else
#define __FLIPFLOP_ASSERT_STR(x) #x
#define assert(e) ((e) ? static_cast<void>(0) \
                       : __assertfail(__FLIPFLOP_ASSERT_STR(e), __FILE__, __LINE__, __PRETTY_FUNCTION__, sizeof(char)))
#endif

import Testing

@testable import ActionGateCore

/// Query keys Next.js reads as its own (locale, data request, rewrite route values), found however
/// they are spelled in the raw query.
@Suite struct NextInternalQueryTests {
    @Test(arguments: [
        ("__nextLocale=en", "__nextLocale"), ("a=1&__nextDataReq=1", "__nextDataReq"),
        ("__nextDataReq", "__nextDataReq"),
        ("x=1&nxtPslug=admin", "nxtPslug"), ("nxtIid=2", "nxtIid"), ("%5F%5FnextLocale=en", "__nextLocale"),
        ("nxt%50id=1", "nxtPid"), ("__nextDefaultLocale=de&b", "__nextDefaultLocale"),
        ("__nextInferredLocaleFromDefault=1", "__nextInferredLocaleFromDefault"),
        ("&&__nextFallback=true", "__nextFallback"),
        ("__nextIsNotFound=1", "__nextIsNotFound"),
    ])
    func findsInternalKeys(_ query: String, _ key: String) {
        #expect(NextInternalQuery.internalKey(in: query) == key)
    }

    @Test(arguments: [
        "", "a=1", "nxtP=1", "nxtI", "_rsc=abc", "__nextlocale=en", "x=__nextLocale", "next=1&slug=a", "%zz=1",
        "%5F%5Fnext", "a=nxtPslug", "__next_preview_data=1",
    ])
    func leavesOrdinaryQueries(_ query: String) {
        #expect(NextInternalQuery.internalKey(in: query) == nil)
    }
}

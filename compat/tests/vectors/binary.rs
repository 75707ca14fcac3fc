//! The binary websocket test vectors of the specification's appendix: frames
//! between the official SDK 9.21.12 (browser build, headless Chromium) and a test
//! server it accepted, on loopback. Device A logs in, device B (same account) logs
//! in, A kicks B, A logs out. Each frame comes with the specification's decoding.

/// One binary websocket message and its decoding as JSON.
pub struct BinaryVector {
    /// What the frame is.
    pub name: &'static str,
    /// `true` from the SDK, `false` from the server.
    pub from_client: bool,
    /// The frame, hex.
    pub hex: &'static str,
    /// The specification's decoding: a JSON request or answer.
    pub decoded: &'static str,
}

/// The binary websocket session of the appendix, in order.
pub const BINARY: &[BinaryVector] = &[
    BinaryVector {
        name: "2_3 login request",
        from_client: true,
        hex: "0002030100001103023136040c4c696e75782036342d626974060539323131320801310901310d203865343235393461333337363431363865653630396635323439653037393865121466616b656170706b6579303132333435363738391305616c69636518104368726f6d65203135362e302e302e301a20373637303236663339356132626139393039373935613038313639383138336526057461672d412807392e32312e313229033130302a6d4d6f7a696c6c612f352e3020285831313b204c696e7578207838365f363429204170706c655765624b69742f3533372e333620284b48544d4c2c206c696b65204765636b6f2920486561646c6573734368726f6d652f3135362e302e302e30205361666172692f3533372e33362c0742524f57534552700130e80709746f6b2d616c696365",
        decoded: r#"{"len":0,"SID":2,"CID":3,"SER":1,"tag":0,"Q":[{"t":"Property","v":{"3":"16","4":"Linux 64-bit","6":"92112","8":"1","9":"1","13":"8e42594a33764168ee609f5249e0798e","18":"fakeappkey0123456789","19":"alice","24":"Chrome 156.0.0.0","26":"767026f395a2ba9909795a081698183e","38":"tag-A","40":"9.21.12","41":"100","42":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36","44":"BROWSER","112":"0","1000":"tok-alice"}}]}"#,
    },
    BinaryVector {
        name: "2_3 login answer",
        from_client: false,
        hex: "000203010002c8000566043130303167093132372e302e302e31680533343537366a02434e6d0d3137393635393732373934353100026e01306f0566616c7365",
        decoded: r#"{"sid":2,"cid":3,"ser":1,"code":200,"r":[{"102":"1001","103":"127.0.0.1","104":"34576","106":"CN","109":"1796597279451"},[],{"110":0,"111":false}]}"#,
    },
    BinaryVector {
        name: "6_26 getNosCdnHost request",
        from_client: true,
        hex: "00061a020000",
        decoded: r#"{"len":0,"SID":6,"CID":26,"SER":2,"tag":0,"Q":[]}"#,
    },
    BinaryVector {
        name: "6_26 getNosCdnHost answer",
        from_client: false,
        hex: "00061a020002c80001030130",
        decoded: r#"{"sid":6,"cid":26,"ser":2,"code":200,"r":[{"3":0}]}"#,
    },
    BinaryVector {
        name: "5_1 sync request",
        from_client: true,
        hex: "000501030000150101300201300301300601300701300901300b01300d01300e01300f01301001301101301501301601301701301801301901301b01301d01301e01301f0130",
        decoded: r#"{"len":0,"SID":5,"CID":1,"SER":3,"tag":0,"Q":[{"t":"Property","v":{"1":"0","2":"0","3":"0","6":"0","7":"0","9":"0","11":"0","13":"0","14":"0","15":"0","16":"0","17":"0","21":"0","22":"0","23":"0","24":"0","25":"0","27":"0","29":"0","30":"0","31":"0"}}]}"#,
    },
    BinaryVector {
        name: "5_1 sync answer",
        from_client: false,
        hex: "000501030002c800f2ea8a4da2010000",
        decoded: r#"{"sid":5,"cid":1,"ser":3,"code":200,"r":[1796597279474]}"#,
    },
    BinaryVector {
        name: "2_3 login request",
        from_client: true,
        hex: "0002030100001103023136040c4c696e75782036342d626974060539323131320801310901310d203436363066323061343831336263646435303337663861303835366165303337121466616b656170706b6579303132333435363738391305616c69636518104368726f6d65203135362e302e302e301a20346664356466323436366634396565363064366235333630303261303639616326057461672d422807392e32312e313229033130302a6d4d6f7a696c6c612f352e3020285831313b204c696e7578207838365f363429204170706c655765624b69742f3533372e333620284b48544d4c2c206c696b65204765636b6f2920486561646c6573734368726f6d652f3135362e302e302e30205361666172692f3533372e33362c0742524f57534552700130e80709746f6b2d616c696365",
        decoded: r#"{"len":0,"SID":2,"CID":3,"SER":1,"tag":0,"Q":[{"t":"Property","v":{"3":"16","4":"Linux 64-bit","6":"92112","8":"1","9":"1","13":"4660f20a4813bcdd5037f8a0856ae037","18":"fakeappkey0123456789","19":"alice","24":"Chrome 156.0.0.0","26":"4fd5df2466f49ee60d6b536002a069ac","38":"tag-B","40":"9.21.12","41":"100","42":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36","44":"BROWSER","112":"0","1000":"tok-alice"}}]}"#,
    },
    BinaryVector {
        name: "2_3 login answer",
        from_client: false,
        hex: "000203010002c800061120386534323539346133333736343136386565363039663532343965303739386566043130303267093132372e302e302e31680535363239366a02434e6d0d31373936353937323831393031010803023136040c4c696e75782036342d6269740d2038653432353934613333373634313638656536303966353234396530373938651305616c69636526057461672d4166043130303167093132372e302e302e316d0d31373936353937323739343531026e01306f0566616c7365",
        decoded: r#"{"sid":2,"cid":3,"ser":1,"code":200,"r":[{"17":"8e42594a33764168ee609f5249e0798e","102":"1002","103":"127.0.0.1","104":"56296","106":"CN","109":"1796597281901"},[{"3":16,"4":"Linux 64-bit","13":"8e42594a33764168ee609f5249e0798e","19":"alice","38":"tag-A","102":"1001","103":"127.0.0.1","109":1796597279451}],{"110":0,"111":false}]}"#,
    },
    BinaryVector {
        name: "2_7 multiPortLogin push",
        from_client: false,
        hex: "000207000002c80002010803023136040c4c696e75782036342d6269740d2034363630663230613438313362636464353033376638613038353661653033371305616c69636526057461672d4266043130303267093132372e302e302e316d0d31373936353937323831393031",
        decoded: r#"{"sid":2,"cid":7,"ser":0,"code":200,"r":[2,[{"3":16,"4":"Linux 64-bit","13":"4660f20a4813bcdd5037f8a0856ae037","19":"alice","38":"tag-B","102":"1002","103":"127.0.0.1","109":1796597281901}]]}"#,
    },
    BinaryVector {
        name: "6_26 getNosCdnHost request",
        from_client: true,
        hex: "00061a020000",
        decoded: r#"{"len":0,"SID":6,"CID":26,"SER":2,"tag":0,"Q":[]}"#,
    },
    BinaryVector {
        name: "6_26 getNosCdnHost answer",
        from_client: false,
        hex: "00061a020002c80001030130",
        decoded: r#"{"sid":6,"cid":26,"ser":2,"code":200,"r":[{"3":0}]}"#,
    },
    BinaryVector {
        name: "5_1 sync request",
        from_client: true,
        hex: "000501030000150101300201300301300601300701300901300b01300d01300e01300f01301001301101301501301601301701301801301901301b01301d01301e01301f0130",
        decoded: r#"{"len":0,"SID":5,"CID":1,"SER":3,"tag":0,"Q":[{"t":"Property","v":{"1":"0","2":"0","3":"0","6":"0","7":"0","9":"0","11":"0","13":"0","14":"0","15":"0","16":"0","17":"0","21":"0","22":"0","23":"0","24":"0","25":"0","27":"0","29":"0","30":"0","31":"0"}}]}"#,
    },
    BinaryVector {
        name: "5_1 sync answer",
        from_client: false,
        hex: "000501030002c8007cf48a4da2010000",
        decoded: r#"{"sid":5,"cid":1,"ser":3,"code":200,"r":[1796597281916]}"#,
    },
    BinaryVector {
        name: "2_8 kick request",
        from_client: true,
        hex: "00020804000001203436363066323061343831336263646435303337663861303835366165303337",
        decoded: r#"{"len":0,"SID":2,"CID":8,"SER":4,"tag":0,"Q":[{"t":"StrArray","v":["4660f20a4813bcdd5037f8a0856ae037"]}]}"#,
    },
    BinaryVector {
        name: "2_5 kicked push",
        from_client: false,
        hex: "000205000002c80010000000030000000000000000",
        decoded: r#"{"sid":2,"cid":5,"ser":0,"code":200,"r":[16,3,"",0]}"#,
    },
    BinaryVector {
        name: "2_7 multiPortLogin push",
        from_client: false,
        hex: "000207000002c80003010803023136040c4c696e75782036342d6269740d2034363630663230613438313362636464353033376638613038353661653033371305616c69636526057461672d4266043130303267093132372e302e302e316d0d31373936353937323831393031",
        decoded: r#"{"sid":2,"cid":7,"ser":0,"code":200,"r":[3,[{"3":16,"4":"Linux 64-bit","13":"4660f20a4813bcdd5037f8a0856ae037","19":"alice","38":"tag-B","102":"1002","103":"127.0.0.1","109":1796597281901}]]}"#,
    },
    BinaryVector {
        name: "2_8 kick answer",
        from_client: false,
        hex: "000208040002c80001203436363066323061343831336263646435303337663861303835366165303337",
        decoded: r#"{"sid":2,"cid":8,"ser":4,"code":200,"r":[["4660f20a4813bcdd5037f8a0856ae037"]]}"#,
    },
    BinaryVector {
        name: "2_6 logout request",
        from_client: true,
        hex: "000206050000",
        decoded: r#"{"len":0,"SID":2,"CID":6,"SER":5,"tag":0,"Q":[]}"#,
    },
    BinaryVector {
        name: "2_6 logout answer",
        from_client: false,
        hex: "000206050002c800",
        decoded: r#"{"sid":2,"cid":6,"ser":5,"code":200,"r":[]}"#,
    },
];

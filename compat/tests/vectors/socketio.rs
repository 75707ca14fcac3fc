//! The socket.io test vectors of the specification's appendix: frames between the
//! official SDK 9.21.12 (browser build with `binaryWebsocket: false`, found through
//! the LBS) and a test server it accepted, on loopback. Device A logs in, then
//! device B of the same account, which sees A in its login answer.

/// One socket.io text frame.
pub struct SocketIoVector {
    /// What the frame is.
    pub name: &'static str,
    /// `true` from the SDK, `false` from the server.
    pub from_client: bool,
    /// The frame.
    pub text: &'static str,
}

/// The socket.io session of the appendix, in order (the handshake is HTTP).
pub const SOCKET_IO: &[SocketIoVector] = &[
    SocketIoVector {
        name: "socket.io connect",
        from_client: false,
        text: r#"1::"#,
    },
    SocketIoVector {
        name: "2_3 login request",
        from_client: true,
        text: r#"3:::{"SID":2,"CID":3,"SER":1,"timeout":8000,"hasPacketResponse":true,"hasPacketTimer":true,"Q":[{"t":"Property","v":{"3":16,"4":"Linux 64-bit","6":"92112","8":1,"9":1,"13":"aa8f291045c49e0b66803343d93c738c","18":"fakeappkey0123456789","19":"alice","24":"Chrome 156.0.0.0","26":"9ea35c0ffcbce77e31dd8fdfe9fb8294","38":"tag-A","40":"9.21.12","41":100,"42":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36","44":"BROWSER","112":0,"1000":"tok-alice"}}]}"#,
    },
    SocketIoVector {
        name: "2_3 login answer",
        from_client: false,
        text: r#"3:::{"sid":2,"cid":3,"ser":1,"code":200,"r":[{"102":"1001","103":"127.0.0.1","104":"60628","106":"CN","109":"1796597270300"},[],{"110":0,"111":false}]}"#,
    },
    SocketIoVector {
        name: "6_26 getNosCdnHost request",
        from_client: true,
        text: r#"3:::{"SID":6,"CID":26,"SER":2,"timeout":8000,"hasPacketResponse":true,"hasPacketTimer":true,"Q":[]}"#,
    },
    SocketIoVector {
        name: "6_26 getNosCdnHost answer",
        from_client: false,
        text: r#"3:::{"sid":6,"cid":26,"ser":2,"code":200,"r":[{"3":0}]}"#,
    },
    SocketIoVector {
        name: "5_1 sync request",
        from_client: true,
        text: r#"3:::{"SID":5,"CID":1,"SER":3,"timeout":180000,"hasPacketResponse":true,"hasPacketTimer":true,"Q":[{"t":"Property","v":{"1":0,"2":0,"3":0,"6":0,"7":0,"9":0,"11":0,"13":0,"14":0,"15":0,"16":0,"17":0,"21":0,"22":0,"23":0,"24":0,"25":0,"27":0,"29":0,"30":0,"31":0}}]}"#,
    },
    SocketIoVector {
        name: "5_1 sync answer",
        from_client: false,
        text: r#"3:::{"sid":5,"cid":1,"ser":3,"code":200,"r":[1796597270313]}"#,
    },
    SocketIoVector {
        name: "socket.io connect",
        from_client: false,
        text: r#"1::"#,
    },
    SocketIoVector {
        name: "2_3 login request",
        from_client: true,
        text: r#"3:::{"SID":2,"CID":3,"SER":1,"timeout":8000,"hasPacketResponse":true,"hasPacketTimer":true,"Q":[{"t":"Property","v":{"3":16,"4":"Linux 64-bit","6":"92112","8":1,"9":1,"13":"1f74168d7e08ed690e410878c4a2cfab","18":"fakeappkey0123456789","19":"alice","24":"Chrome 156.0.0.0","26":"a79ea3fc6eaa1cb39278d6e370ee7715","38":"tag-B","40":"9.21.12","41":100,"42":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36","44":"BROWSER","112":0,"1000":"tok-alice"}}]}"#,
    },
    SocketIoVector {
        name: "2_3 login answer",
        from_client: false,
        text: r#"3:::{"sid":2,"cid":3,"ser":1,"code":200,"r":[{"17":"aa8f291045c49e0b66803343d93c738c","102":"1002","103":"127.0.0.1","104":"34560","106":"CN","109":"1796597272897"},[{"3":16,"4":"Linux 64-bit","13":"aa8f291045c49e0b66803343d93c738c","19":"alice","38":"tag-A","102":"1001","103":"127.0.0.1","109":1796597270300}],{"110":0,"111":false}]}"#,
    },
    SocketIoVector {
        name: "2_7 multiPortLogin push",
        from_client: false,
        text: r#"3:::{"sid":2,"cid":7,"ser":0,"code":200,"r":[2,[{"3":16,"4":"Linux 64-bit","13":"1f74168d7e08ed690e410878c4a2cfab","19":"alice","38":"tag-B","102":"1002","103":"127.0.0.1","109":1796597272897}]]}"#,
    },
    SocketIoVector {
        name: "6_26 getNosCdnHost request",
        from_client: true,
        text: r#"3:::{"SID":6,"CID":26,"SER":2,"timeout":8000,"hasPacketResponse":true,"hasPacketTimer":true,"Q":[]}"#,
    },
    SocketIoVector {
        name: "6_26 getNosCdnHost answer",
        from_client: false,
        text: r#"3:::{"sid":6,"cid":26,"ser":2,"code":200,"r":[{"3":0}]}"#,
    },
    SocketIoVector {
        name: "5_1 sync request",
        from_client: true,
        text: r#"3:::{"SID":5,"CID":1,"SER":3,"timeout":180000,"hasPacketResponse":true,"hasPacketTimer":true,"Q":[{"t":"Property","v":{"1":0,"2":0,"3":0,"6":0,"7":0,"9":0,"11":0,"13":0,"14":0,"15":0,"16":0,"17":0,"21":0,"22":0,"23":0,"24":0,"25":0,"27":0,"29":0,"30":0,"31":0}}]}"#,
    },
];

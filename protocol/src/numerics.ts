/**
 * The numeric replies this subset uses (RFC 2812 §5; 417 from the modern IRC documentation,
 * https://modern.ircdocs.horse/#errinputtoolong-417).
 */
export const RPL = {
  WELCOME: '001',
  YOURHOST: '002',
  CREATED: '003',
  MYINFO: '004',
  NAMREPLY: '353',
  ENDOFNAMES: '366',
  NOTOPIC: '331'
} as const

export const ERR = {
  NOSUCHNICK: '401',
  NOSUCHCHANNEL: '403',
  CANNOTSENDTOCHAN: '404',
  NOORIGIN: '409',
  NORECIPIENT: '411',
  NOTEXTTOSEND: '412',
  INPUTTOOLONG: '417',
  UNKNOWNCOMMAND: '421',
  NOMOTD: '422',
  NONICKNAMEGIVEN: '431',
  ERRONEUSNICKNAME: '432',
  NICKNAMEINUSE: '433',
  NOTONCHANNEL: '442',
  NOTREGISTERED: '451',
  NEEDMOREPARAMS: '461',
  ALREADYREGISTRED: '462'
} as const

export type ErrNumeric = typeof ERR[keyof typeof ERR]
